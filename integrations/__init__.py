"""Outside services the app talks to over HTTP: issue trackers and chat
webhooks. Nothing here speaks SQL; what a push or a sync records goes
through storage/."""
