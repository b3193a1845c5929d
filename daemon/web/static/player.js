/*
 * player.js: the inspection page's player (docs/console.md, "The player
 * and proofs").  Plays the segments of ol#playlist in recorded order in
 * video#player: on "ended" the next one; a click on a segment's
 * button.play plays that one.  The video gets its src only when playing
 * starts, because fetching the start of a segment is logged as an access
 * (evidence.accessed).  Does nothing on pages without the player.
 */
(function () {
	'use strict';

	function init() {
		var video = document.getElementById('player');
		var list = document.getElementById('playlist');
		var items, current = -1;

		if (!video || !list)
			return;
		items = Array.prototype.slice.call(
		    list.querySelectorAll('li.segment'));

		function play(i) {
			var p;

			if (i < 0 || i >= items.length)
				return;
			items.forEach(function (li, k) {
				li.classList.toggle('playing', k === i);
				if (k === i)
					li.setAttribute('aria-current', 'true');
				else
					li.removeAttribute('aria-current');
			});
			current = i;
			video.setAttribute('data-index',
			    items[i].getAttribute('data-index'));
			video.src = items[i].getAttribute('data-src');
			p = video.play();
			if (p && p.catch)
				p.catch(function () {});
		}

		video.addEventListener('ended', function () {
			if (current + 1 < items.length)
				play(current + 1);
		});
		/* The video's own play button before any segment was chosen. */
		video.addEventListener('play', function () {
			if (current < 0 && items.length > 0)
				play(0);
		});
		items.forEach(function (li, i) {
			var b = li.querySelector('button.play');

			if (b)
				b.addEventListener('click', function () {
					play(i);
				});
		});
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
}());
