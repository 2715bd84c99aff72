"""The local LiveKit SIP server ("sandbox"): LiveKit's Twirp SIP API over real HTTP."""
