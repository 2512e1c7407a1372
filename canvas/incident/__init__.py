"""The incident timeline: events, time range, durations, parsers, the chart."""
