"""I/O services: LiveKit registrar, secret store, config files, the local LiveKit SIP server."""
