/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The detector's counters, named once. Each line of SW_DETECT_COUNTERS is
 * X(field, ctype, key, metric, type, help):
 *
 *  - field, ctype: the member of struct sw_detect_stats (detect.h);
 *  - key: its name in the stats record's "detect" object
 *    (output-json-stats.c), "" when the record leaves it out;
 *  - metric, type, help: its Prometheus series (daemon/metrics.c), its
 *    TYPE ("counter" or "gauge") and HELP text; metric "" when not
 *    exported. help also documents the field.
 *
 * The order is that of the stats record's keys. Names and texts are part
 * of the output: docs/schema/stats.schema.json and docs/metrics.md list
 * them.
 */
#ifndef SW_DETECT_COUNTERS_H
#define SW_DETECT_COUNTERS_H

#define SW_DETECT_COUNTERS(X)                                            \
	X(events, uint64_t, "events", "", "",                            \
	  "Events handed to the detector.")                              \
	X(clients_admitted, uint64_t, "clients_admitted",                \
	  "scrapewatch_clients_admitted_total", "counter",               \
	  "Clients admitted to tracking.")                               \
	X(clients_evicted, uint64_t, "clients_evicted",                  \
	  "scrapewatch_clients_evicted_total", "counter",                \
	  "Tracked clients evicted for room.")                           \
	X(admissions_refused, uint64_t, "admissions_refused",            \
	  "scrapewatch_clients_refused_total", "counter",                \
	  "Clients not admitted: table full of active clients.")         \
	X(clients_exempt, uint64_t, "clients_exempt", "", "",            \
	  "Clients found exempt (network or fingerprint).")              \
	X(shared_addresses, uint64_t, "shared_addresses",                \
	  "scrapewatch_shared_addresses_total", "counter",               \
	  "Client addresses seen with several hosts behind them (NAT).") \
	X(clients_active, uint32_t, "", "scrapewatch_clients_tracked",   \
	  "gauge", "Clients the detector tracks now.")                   \
	X(clients_max, uint32_t, "clients_active_max", "", "",           \
	  "Most clients tracked at once.")                               \
	X(client_capacity, uint32_t, "client_capacity",                  \
	  "scrapewatch_clients_capacity", "gauge",                       \
	  "Clients the detector can track at once.")                     \
	X(flows_tracked, uint64_t, "flows_tracked",                      \
	  "scrapewatch_detector_flows_tracked_total", "counter",         \
	  "Flows of tracked clients.")                                   \
	X(flows_dropped, uint64_t, "flows_dropped", "", "",              \
	  "Flows not followed: flow table of tracked clients full.")     \
	X(flow_capacity, uint32_t, "flow_capacity", "", "",              \
	  "Flows of tracked clients the detector can follow at once.")   \
	X(group_capacity, uint32_t, "group_capacity", "", "",            \
	  "Campaign groups the detector can hold at once.")              \
	X(events_unwatched, uint64_t, "events_unwatched", "", "",        \
	  "Events for services not protected.")                          \
	X(sketch_events, uint64_t, "sketch_events",                      \
	  "scrapewatch_sketch_events_total", "counter",                  \
	  "Events counted by the heavy-hitter sketch.")                  \
	X(sketch_replacements, uint64_t, "sketch_replacements",          \
	  "scrapewatch_sketch_replacements_total", "counter",            \
	  "Sketch entries replaced by a heavier client.")                \
	X(alerts_started, uint64_t, "alerts_started", "", "",            \
	  "Alerts started (clients and campaigns).")                     \
	X(alert_updates, uint64_t, "alert_updates", "", "",              \
	  "Alert updates (clients and campaigns).")                      \
	X(alerts_ended, uint64_t, "alerts_ended", "", "",                \
	  "Alerts ended (clients and campaigns).")                       \
	X(campaigns_started, uint64_t, "campaigns_started", "", "",      \
	  "Campaign alerts started.")                                    \
	X(memory_bytes, uint64_t, "memory_bytes",                        \
	  "scrapewatch_detector_memory_bytes", "gauge",                  \
	  "Memory the detector allocated (sketch and tables).")          \
	X(memory_cap_bytes, uint64_t, "memory_cap_bytes", "", "",        \
	  "The cap on that memory (memory_cap_bytes).")

#endif /* SW_DETECT_COUNTERS_H */
