"""The incident timeline: events, durations, parsers, the chart."""
