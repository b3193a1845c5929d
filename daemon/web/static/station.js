/*
 * station.js: keeps the station page's cameras and warnings current.
 * Every second it fetches /station.json (in the page's language) and
 * updates, creates or removes each <div class="camera" data-camera=...>
 * of <section id="cameras">, cloning <template id="camera-template">
 * for a camera that docked since the page was drawn, and redraws
 * <ul id="warnings">.  Only DOM APIs and textContent: nothing the
 * station sends is ever parsed as HTML.  On any other page (no
 * #cameras) it does nothing.
 */
(function () {
	"use strict";

	var PERIOD_MS = 1000;

	function setText(root, selector, text) {
		var el = root.querySelector(selector);

		if (el !== null && el.textContent !== text)
			el.textContent = text;
	}

	function updateCamera(div, c) {
		var bar = div.querySelector("progress.bytes");
		var errors = div.querySelector(".errors");

		if (bar !== null) {
			bar.max = c.bytes_total > 0 ? c.bytes_total : 1;
			bar.value = c.bytes_done;
		}
		setText(div, ".serial", c.camera);
		setText(div, ".bytes-text", c.bytes_text || "");
		setText(div, ".files", c.files_text || "");
		setText(div, ".rate", c.rate_text || "");
		setText(div, ".state", c.state_text || c.state || "");
		if (errors !== null) {
			errors.textContent = String(c.errors);
			errors.classList.toggle("bad", c.errors > 0);
		}
	}

	function updateCameras(section, cameras) {
		var cards = section.querySelector(".cards");
		var tpl = document.getElementById("camera-template");
		var empty = section.querySelector(".empty");
		var have = {}, seen = {};
		var divs, i, div, c;

		if (cards === null)
			return;
		divs = cards.querySelectorAll("div.camera");
		for (i = 0; i < divs.length; i++)
			have[divs[i].dataset.camera] = divs[i];
		for (i = 0; i < cameras.length; i++) {
			c = cameras[i];
			seen[c.camera] = true;
			div = Object.prototype.hasOwnProperty.call(have,
			    c.camera) ? have[c.camera] : null;
			if (div === null) {
				if (tpl === null)
					continue;
				div = tpl.content.querySelector("div.camera")
				    .cloneNode(true);
				div.dataset.camera = c.camera;
				cards.appendChild(div);
			}
			updateCamera(div, c);
		}
		for (i = 0; i < divs.length; i++)
			if (!Object.prototype.hasOwnProperty.call(seen,
			    divs[i].dataset.camera))
				divs[i].remove();
		if (empty !== null)
			empty.hidden = cameras.length > 0;
	}

	function updateWarnings(ul, warnings) {
		var i, w, li, a;

		while (ul.firstChild !== null)
			ul.removeChild(ul.firstChild);
		if (warnings.length === 0) {
			li = document.createElement("li");
			li.className = "none";
			li.textContent = ul.dataset.none || "";
			ul.appendChild(li);
			return;
		}
		for (i = 0; i < warnings.length; i++) {
			w = warnings[i];
			li = document.createElement("li");
			if (typeof w.href === "string" &&
			    w.href.charAt(0) === "/") {
				a = document.createElement("a");
				a.href = w.href;
				a.textContent = w.text;
				li.appendChild(a);
			} else
				li.appendChild(document.createTextNode(w.text));
			if (typeof w.detail === "string") {
				li.appendChild(document.createTextNode(": "));
				a = document.createElement("span");
				a.className = "detail";
				a.textContent = w.detail;
				li.appendChild(a);
			}
			ul.appendChild(li);
		}
	}

	function start() {
		var section = document.getElementById("cameras");
		var ul = document.getElementById("warnings");
		var url = "/station.json";
		var busy = false;

		if (section === null)
			return;
		if (document.documentElement.lang === "en")
			url += "?lang=en";

		function poll() {
			if (busy)
				return;
			busy = true;
			fetch(url, { credentials: "same-origin",
			    cache: "no-store" }).then(function (r) {
				if (!r.ok)
					throw new Error("HTTP " + r.status);
				return r.json();
			}).then(function (j) {
				updateCameras(section, j.cameras || []);
				if (ul !== null)
					updateWarnings(ul, j.warnings || []);
				section.dataset.updated = String(Date.now());
			}).catch(function () {
				/* The next poll tries again. */
			}).then(function () {
				busy = false;
			});
		}

		window.setInterval(poll, PERIOD_MS);
		poll();
	}

	if (document.readyState === "loading")
		document.addEventListener("DOMContentLoaded", start);
	else
		start();
}());
