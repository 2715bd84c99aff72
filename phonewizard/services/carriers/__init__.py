"""The carriers' side of a registration: clients for Twilio and Telnyx over their official SDKs, and
the runs that set a carrier account up (conflict check, create or update, roll back on any failure).

Light on import: the SDKs load only when a set-up runs (`twilio_client`, `telnyx_client`).
docs/carrier-setup.md says what is configured, which client and why.
"""
