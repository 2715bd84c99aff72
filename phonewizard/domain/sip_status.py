"""What a SIP status code from a test call means for this carrier, and what to change.

LiveKit returns the carrier's final answer to its INVITE as `sip_status_code` / `sip_status` in the
error of CreateSIPParticipant (livekit/protocol livekit/sip.go `SIPStatus.TwirpErrorMeta`). The
code alone says little ("403" can be a password, a caller ID or a country rule), so the table
below says what each code means *at this carrier* and the setting to change, per carrier where
their documentation differs, falling back to what the code means anywhere.

Each entry's source is in the comment above it. Keys:
  [RFC3261]  RFC 3261 §21 (the meaning of the code itself)
  [LK-TS]    docs.livekit.io/reference/telephony/troubleshooting.md (403, 403 Domestic Anchored
             Terms Not Met, 404, 486, 503; checked 2026-11-30 in the stored copy)
  [LK-SIP]   livekit/sip pkg/sip/errors.go classifyInviteError (be5d3f5): which codes LiveKit
             itself treats as busy, not-found, unavailable, not-acceptable, encryption-required
  [TW-nnnnn] twilio.com/docs/api/errors/nnnnn (Elastic SIP Trunking error pages)
  [TX-RC]    developers.telnyx.com/docs/voice/sip-trunking/troubleshooting/response-codes.md
             (the D-series codes Telnyx sends with 403/404/480)
  [TX-CID]   developers.telnyx.com/docs/voice/sip-trunking/configuration/caller-id-policy.md
  [PROV]     /work/shared/reference/providers.md (its numbered sources given after it)
Pure: no I/O. `explain_status` adds what only the call's context can say (encryption, country).
"""

from __future__ import annotations

from dataclasses import dataclass

GENERIC = "custom"  # the fallback column: what a code means at any carrier


@dataclass(frozen=True)
class StatusEntry:
    meaning: str  # what happened, in this carrier's terms
    fixes: tuple[str, ...]  # what to change, most likely first


# ---- what a code means at any carrier -------------------------------------------------------
_ANY: dict[int, StatusEntry] = {
    # [RFC3261] 21.4.2; [LK-SIP] 401/407 are "auth-required": LiveKit answered the challenge
    # with the trunk's credentials and the carrier still refused them.
    401: StatusEntry(
        "the carrier asked for credentials and did not accept the ones on the outbound trunk",
        ("check the outbound trunk's auth_username and auth_password against the credentials at the carrier",),
    ),
    407: StatusEntry(
        "the carrier asked for credentials and did not accept the ones on the outbound trunk",
        ("check the outbound trunk's auth_username and auth_password against the credentials at the carrier",),
    ),
    # [LK-TS] "403 Forbidden": authentication or permission, or regional requirements not met.
    403: StatusEntry(
        "the carrier refused the call: usually the credentials, the caller ID, or a country rule",
        ("check that the outbound trunk's username and password match the carrier's",
         "check that the caller ID is a number on your carrier account",
         "if the carrier requires calls to stay in the country, set destination_country (region pinning)"),
    ),
    # [LK-TS] "404 - Not Found": the destination does not exist or cannot be found (number
    # invalid or not in service); [RFC3261] 21.4.5.
    404: StatusEntry(
        "the carrier could not find the destination: the number is not routable from this trunk, "
        "or the termination host is not the carrier's trunk for your account",
        ("check the number you called (with its country code)",
         "check the outbound address: it must be your trunk's termination host at the carrier"),
    ),
    # [RFC3261] 21.4.9; [LK-SIP] "request-timeout" → user unavailable.
    408: StatusEntry(
        "no answer: the phone was not picked up, or the carrier could not reach it in time",
        ("call again and answer; check that the phone is on and has signal",),
    ),
    # [RFC3261] 21.4.18; [LK-SIP] "unavailable".
    480: StatusEntry(
        "no answer: the callee is temporarily unavailable (switched off, do-not-disturb, no signal)",
        ("call again when the phone is reachable",),
    ),
    # [RFC3261] 21.4.22 Address Incomplete.
    484: StatusEntry(
        "the carrier found the number incomplete",
        ("dial the destination in +E.164 form, with its country code",),
    ),
    # [LK-TS] 486 section; [LK-SIP] "busy".
    486: StatusEntry(
        "the line was busy, or the callee rejected the call",
        ("call again when the line is free",),
    ),
    # [RFC3261] 21.4.25 Request Terminated: the INVITE was cancelled before an answer.
    487: StatusEntry("the call was cancelled before it was answered", ()),
    # [RFC3261] 21.4.26 Not Acceptable Here; [LK-SIP] SDPError: no common codec ("no-common-codec")
    # or no common encryption ("encryption-required").
    488: StatusEntry(
        "the carrier refused the media offer: no codec or encryption setting both sides accept",
        ("set media_encryption to ALLOW unless the carrier's trunk has SRTP switched on",
         "allow G.711 (PCMU/PCMA) at the carrier"),
    ),
    # [RFC3261] 21.5.1.
    500: StatusEntry(
        "the carrier had an internal error",
        ("try again in a minute; if it repeats, open a ticket with the carrier quoting the time of the call",),
    ),
    # [RFC3261] 21.5.3.
    502: StatusEntry(
        "a carrier gateway on the way to the callee failed",
        ("try again in a minute; if it repeats, open a ticket with the carrier",),
    ),
    # [LK-TS] 503 section: the carrier or a region is unavailable; [RFC3261] 21.5.4.
    503: StatusEntry(
        "the carrier (or its region) could not take the call now",
        ("try again in a minute",
         "if it repeats, check the carrier's status page and the termination host's region"),
    ),
    # [RFC3261] 21.5.5.
    504: StatusEntry(
        "the carrier's onward network did not answer in time",
        ("try again in a minute",),
    ),
    # [RFC3261] 21.6.1 / 21.6.2.
    600: StatusEntry("the callee is busy everywhere", ("call again later",)),
    603: StatusEntry(
        "the call was declined (by the callee, or blocked by the carrier)",
        ("call again and accept the call; check the carrier's logs for a block",),
    ),
    # [RFC3261] 21.6.3.
    604: StatusEntry(
        "the number does not exist anywhere",
        ("check the number you called",),
    ),
}

# ---- per carrier, where its documentation says more -----------------------------------------
_CARRIER: dict[str, dict[int, StatusEntry]] = {
    "twilio": {
        # [TW-32201] source IP not in the trunk's ACL; [TW-32200] "Ensure that you have
        # Authentication details configured on your Trunk"; [TW-32204] the From number is not a
        # Twilio number or verified caller ID; [TW-32100] trial accounts call verified numbers
        # only; [PROV] §2.2 step 3: the credential list goes on the trunk's Termination tab.
        403: StatusEntry(
            "Twilio refused the call: either the credential list is not attached to the trunk's "
            "termination (or its username/password differ), or the caller ID is not a number on "
            "your Twilio account",
            ("Twilio Console → Elastic SIP Trunking → your trunk → Termination → Authentication: "
             "attach the credential list whose username and password are on the LiveKit outbound trunk",
             "use a caller ID that is a Twilio number on this account (or a verified caller ID): "
             "it is the outbound trunk's numbers",
             "a trial account can only call verified numbers: verify the destination or upgrade"),
        ),
        # [LK-TS] 404 table; [PROV] §2.2: the termination URI must end in pstn.twilio.com.
        404: StatusEntry(
            "Twilio did not find the destination: the termination host is not your trunk's "
            "termination URI, or the number is not routable",
            ("the outbound address must be your trunk's Termination SIP URI, e.g. "
             "my-trunk.pstn.twilio.com (Twilio Console → Elastic SIP Trunking → Termination)",
             "check the number you called, with its country code"),
        ),
        # [TW-32207] a termination call with SRTP to a trunk without Secure Trunking;
        # [PROV] §2.2 step 5 (Secure Trunking, error 32209 when TLS was needed).
        488: StatusEntry(
            "Twilio refused the media: the trunk sends encrypted media (SRTP) but Secure Trunking "
            "is off on the Twilio trunk, or no codec matched",
            ("set media_encryption to ALLOW (or DISABLE), or switch on Secure Trunking in Twilio "
             "(General → Features) and use transport TLS",
             "keep G.711 (PCMU) allowed on the Twilio trunk"),
        ),
        # [LK-SIP] twilioPermanentBlockCodes: 603 with X-Twilio-Error 32203 = blocked as fraud or
        # regulatory; [TW-32224] regulatory block of a destination.
        603: StatusEntry(
            "the callee declined, or Twilio blocked the call (fraud or regulatory rules for that destination)",
            ("check the Twilio call log for error 32203 or 32224; allow the destination country "
             "under Voice → Settings → Geo permissions",),
        ),
    },
    "telnyx": {
        # [TX-RC] D10-D17 connection/profile disabled, D25-D29 authentication failed, D35 invalid
        # caller ID format, D36 another account's number as caller ID, D38 no outbound voice
        # profile; [TX-CID] "403 Caller Origination Number is Invalid D35".
        403: StatusEntry(
            "Telnyx refused the call: the credentials, the caller ID, or the connection's outbound "
            "voice profile (the D-code in the SIP status says which)",
            ("check the SIP connection's username/password against the LiveKit outbound trunk, and "
             "that the X-Telnyx-Username header is sent",
             "use a caller ID that is a Telnyx number on this account, in +E.164 (D35/D36)",
             "assign an Outbound Voice Profile that allows the destination to the connection (D38)"),
        ),
        # [TX-RC] D18 connection inactive, D19 account blocked (billing), D40 no route.
        404: StatusEntry(
            "Telnyx could not route the call: the SIP connection is inactive, the account is "
            "blocked, or there is no route to the destination",
            ("enable the SIP connection in the Telnyx portal and check the account balance",
             "check the number you called and that the outbound voice profile allows its country"),
        ),
        # [TX-RC] D21: no destination number associated.
        480: StatusEntry(
            "Telnyx found no destination for the call, or the callee was unavailable",
            ("check the destination number is valid and active; call again",),
        ),
    },
    "vonage": {
        # [PROV] §2.4 [25]: Vonage accepts a Vonage number on the account or a verified number as
        # caller ID (P-Asserted-Identity, else From), and documents numbers without "+"; [23] the
        # trunk authenticates by User Key/Secret or ACL.
        403: StatusEntry(
            "Vonage refused the call: the trunk's User Key/Secret, or a caller ID that is not a "
            "Vonage number on the account",
            ("check the outbound trunk's username/password against the trunk's User Key and Secret "
             "(Vonage SIP Trunking → Outbound Calling)",
             "use a Vonage number on this account as caller ID",
             "allow the destination country in Vonage's Fraud Defender; trial accounts can only call "
             "their own registered number"),
        ),
        # [PROV] §2.4: a bare sip-us.vonage.com cannot identify the trunk.
        404: StatusEntry(
            "Vonage did not find the destination: the termination host is not your trunk's domain, "
            "or the number is not routable",
            ("the outbound address must be your trunk's domain, e.g. mytrunk.sip-us.vonage.com",
             "check the number you called"),
        ),
    },
    "bandwidth": {
        # [PROV] §2.5 [30]: outbound authenticates with SIP credentials under the realm, which
        # Bandwidth must enable; the realm FQDN is the outbound address.
        403: StatusEntry(
            "Bandwidth refused the call: SIP credentials under the realm, or the caller ID",
            ("check the SIP credentials under the realm (Account → SIP Credentials) against the "
             "outbound trunk; ask Bandwidth to enable SIP authentication if the tab is missing",
             "use a Bandwidth number on the account as caller ID"),
        ),
        404: StatusEntry(
            "Bandwidth did not find the destination: the outbound address is not your realm's FQDN, "
            "or the number is not routable",
            ("the outbound address must be {realm}.{hash}.auth.bandwidth.com",
             "check the number you called"),
        ),
    },
}


def status_entry(code: int, provider: str | None) -> StatusEntry:
    """The entry for `code` at `provider` (its own column first, then any carrier's, then the
    code's class)."""
    own = _CARRIER.get((provider or GENERIC).lower(), {})
    if code in own:
        return own[code]
    if code in _ANY:
        return _ANY[code]
    return _by_class(code)


def _by_class(code: int) -> StatusEntry:
    # [RFC3261] 21: 4xx the request cannot be served as sent, 5xx the server failed, 6xx global.
    if 400 <= code < 500:
        return StatusEntry(f"the carrier refused the call (SIP {code})",
                           ("look the code up in the carrier's SIP trunking documentation or call log",))
    if 500 <= code < 600:
        return StatusEntry(f"the carrier failed to place the call (SIP {code})",
                           ("try again in a minute; if it repeats, ask the carrier",))
    if 600 <= code < 700:
        return StatusEntry(f"the call was refused everywhere (SIP {code})", ("check the number you called",))
    return StatusEntry(f"an unexpected SIP answer ({code})", ())


def carriers_with_own_entries() -> list[str]:
    """The carriers whose documentation adds to the generic meanings (tests iterate over them)."""
    return sorted(_CARRIER)


def documented_codes() -> list[int]:
    return sorted(_ANY)
