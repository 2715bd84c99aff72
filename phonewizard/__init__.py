"""phonewizard: register a phone number for a LiveKit voice agent."""

__version__ = "0.1.0"
APP_NAME = "phonewizard"
