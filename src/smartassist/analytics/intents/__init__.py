"""IntentRealtimeData: the latest ended sessions of a bot."""
