"""The Slack surface: Bolt listeners, Block Kit cards and the Socket Mode / HTTP servers around the engine."""
