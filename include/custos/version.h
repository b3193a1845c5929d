/* The Custos version, recorded in every station.started entry. */
#ifndef CUSTOS_VERSION
#define CUSTOS_VERSION	"0.1.0"
#endif
