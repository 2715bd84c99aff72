"""Twilio set-up over HTTP: app.register with the real `twilio` SDK against the Twilio stand-in and
the real livekit-api against the LiveKit sandbox. All or nothing across both."""

from __future__ import annotations

import asyncio

import pytest

from phonewizard.app.errors import CarrierConflict, CarrierPartialRollback, CarrierRefused
from phonewizard.domain.carrier_plan import TwilioPlan
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.plan import plan
from phonewizard.services.carriers.journal import Journal, all_or_nothing
from phonewizard.services.carriers.twilio_client import TwilioCredentials, open_twilio
from phonewizard.services.carriers.twilio_setup import TwilioSetup
from tests.carriers.helpers import EMPTY_LIVEKIT, NUMBER, OTHER, failure_undoes_everything, run, twilio_document

EMPTY_TWILIO = {"trunks": 0, "origination_urls": 0, "credential_lists": 0, "attached_lists": 0, "numbers_on_trunks": 0}


def test_a_fresh_account_gets_trunk_origination_credentials_transfer_and_number(sandbox, twilio_standin):
    steps = []
    done = run(sandbox, twilio_standin, twilio_document(sandbox.url), progress=lambda s, st: steps.append((s, st)))
    tw = twilio_standin
    trunk = tw.trunks[done.carrier.ids["trunk_sid"]]
    assert trunk["friendly_name"] == f"phonewizard {NUMBER} → sales-agent"
    assert trunk["domain_name"] == "acme.pstn.twilio.com" and trunk["transfer_mode"] == "enable-all"
    urls = sorted((u["priority"], u["sip_url"]) for u in tw.origination.values())
    assert urls == [(1, "sip:abc123.sip.livekit.cloud;transport=tcp"), (2, "sip:abc123.us.sip.livekit.cloud;transport=tcp")]
    (cl,) = tw.trunk_lists[trunk["sid"]]
    assert tw.credential_lists[cl]["usernames"] == ["acme-sales"]
    assert tw.number(NUMBER)["trunk_sid"] == trunk["sid"]
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    # The carrier is checked before LiveKit and configured after it.
    order = [s for s, st in steps if st == "started"]
    assert order[0] == "carrier_check" and order.index("conflict_check") < order.index("carrier_trunk")
    assert {item.what for item in done.carrier.items} >= {"SIP trunk", "origination URL", "credential list", "phone number"}
    assert done.carrier.console_url is None  # a stand-in, labelled as such by the front ends


def test_a_repeat_run_updates_in_place(sandbox, twilio_standin):
    first = run(sandbox, twilio_standin, twilio_document(sandbox.url))
    second = run(sandbox, twilio_standin, twilio_document(sandbox.url, transfer_config={}))
    tw = twilio_standin
    assert second.carrier.ids["trunk_sid"] == first.carrier.ids["trunk_sid"]
    assert second.carrier.ids["origination_url_sids"] == first.carrier.ids["origination_url_sids"]
    assert tw.counts() == {"trunks": 1, "origination_urls": 2, "credential_lists": 1, "attached_lists": 1,
                           "numbers_on_trunks": 1}
    # A new credential list replaced the old one (a password cannot be read back to restore it).
    assert tw.trunk_lists[first.carrier.ids["trunk_sid"]] == [second.carrier.ids["credential_list_sid"]]
    assert second.result.status == "updated" and sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}


def test_an_existing_trunk_with_the_termination_domain_is_reused(sandbox, twilio_standin):
    mine = twilio_standin.add_trunk("Acme main trunk", "acme.pstn.twilio.com", transfer_mode="disable-all")
    done = run(sandbox, twilio_standin, twilio_document(sandbox.url))
    assert done.carrier.ids["trunk_sid"] == mine
    assert any("reuses your trunk" in note and mine in note for note in done.carrier.notes)
    trunk = twilio_standin.trunks[mine]
    assert trunk["friendly_name"] == "Acme main trunk"  # not renamed: it is the user's
    assert trunk["transfer_mode"] == "enable-all" and twilio_standin.counts()["trunks"] == 1


def test_a_reused_trunk_is_restored_when_a_later_step_fails(sandbox, twilio_standin):
    mine = twilio_standin.add_trunk("Acme main trunk", "acme.pstn.twilio.com", transfer_mode="disable-all")
    twilio_standin.faults.fail("AttachPhoneNumber", "error", msg="refused for the test")
    with pytest.raises(CarrierRefused, match="refused for the test"):
        run(sandbox, twilio_standin, twilio_document(sandbox.url))
    assert twilio_standin.trunks[mine]["transfer_mode"] == "disable-all"
    assert twilio_standin.counts() == {**EMPTY_TWILIO, "trunks": 1}
    assert sandbox.counts() == EMPTY_LIVEKIT


def test_a_number_on_another_trunk_stops_everything_before_any_change(sandbox, twilio_standin):
    other = twilio_standin.add_trunk("Old PBX trunk")
    twilio_standin.add_number(OTHER, trunk_sid=other)
    with pytest.raises(CarrierConflict) as info:
        run(sandbox, twilio_standin, twilio_document(sandbox.url, number=OTHER))
    assert other in str(info.value) and "Old PBX trunk" in str(info.value) and "move_number" in str(info.value)
    assert sandbox.counts() == EMPTY_LIVEKIT
    assert twilio_standin.counts()["trunks"] == 1
    assert not [m for m in twilio_standin.log.methods if m.startswith(("Create", "Update", "Attach", "Delete"))]


def test_move_number_moves_it_and_a_failure_puts_it_back(sandbox, twilio_standin):
    other = twilio_standin.add_trunk("Old PBX trunk")
    twilio_standin.add_number(OTHER, trunk_sid=other)
    document = twilio_document(sandbox.url, number=OTHER, setup={"move_number": True})
    twilio_standin.faults.fail("AttachPhoneNumber", "5xx")
    with pytest.raises(CarrierRefused.__mro__[1]):  # CarrierError: Twilio failed to answer
        run(sandbox, twilio_standin, document)
    assert twilio_standin.number(OTHER)["trunk_sid"] == other
    done = run(sandbox, twilio_standin, document)
    assert twilio_standin.number(OTHER)["trunk_sid"] == done.carrier.ids["trunk_sid"] != other
    assert any("moves" in note for note in done.carrier.notes)


def test_a_taken_domain_is_refused_with_twilios_code_and_nothing_is_left(sandbox, twilio_standin):
    with pytest.raises(CarrierRefused) as info:
        run(sandbox, twilio_standin, twilio_document(sandbox.url, outbound_address="taken.pstn.twilio.com"))
    assert info.value.code == "21248" and "another Twilio account has taken it" in str(info.value)
    assert twilio_standin.counts() == EMPTY_TWILIO and sandbox.counts() == EMPTY_LIVEKIT


def test_a_weak_password_is_refused_before_sending_and_by_twilio(twilio_standin):
    from phonewizard.domain.report import check_config

    weak = twilio_document("http://127.0.0.1:7880", auth_password="short1A")
    report = check_config(weak)
    assert [p.field for p in report.errors] == ["registration.auth_password"]
    assert "short1A" not in str(report.errors[0])
    # The stand-in enforces the same rule, so a client that skipped the check would hear it from Twilio.
    good = PhoneWizardConfig.model_validate(twilio_document("http://127.0.0.1:7880"))
    carrier = plan(good).carrier
    assert isinstance(carrier, TwilioPlan)
    weak_plan = TwilioPlan(**{**carrier.__dict__, "password": "alllowercase1"})
    credentials = TwilioCredentials(twilio_standin.account_sid, twilio_standin.auth_token)

    async def attempt():
        async with open_twilio(credentials, twilio_standin.url) as client:
            setup = TwilioSetup(client, credentials, weak_plan, 5)
            found = await setup.check()
            journal = Journal("Twilio", NUMBER, 5)
            await all_or_nothing(journal, lambda: setup.apply(found, journal))

    with pytest.raises(CarrierRefused, match="minimum of 12 characters") as info:
        asyncio.run(attempt())
    assert "alllowercase1" not in str(info.value)
    assert twilio_standin.counts() == EMPTY_TWILIO


@pytest.mark.parametrize("operation", ["CreateTrunk", "CreateOriginationUrl", "CreateCredentialList",
                                       "CreateCredential", "AttachCredentialList", "AttachPhoneNumber"])
@pytest.mark.parametrize("kind", ["error", "5xx"])
def test_a_failure_at_each_step_undoes_everything(sandbox, twilio_standin, operation, kind):
    twilio_standin.faults.fail(operation, kind)
    failure_undoes_everything(sandbox, twilio_standin, twilio_document(sandbox.url), EMPTY_TWILIO)


@pytest.mark.parametrize("operation", ["CreateTrunk", "CreateOriginationUrl", "CreateCredentialList"])
def test_a_lost_answer_to_a_creation_is_swept_up(sandbox, twilio_standin, operation):
    twilio_standin.faults.fail(operation, "drop")
    with pytest.raises(Exception) as info:
        run(sandbox, twilio_standin, twilio_document(sandbox.url))
    assert not isinstance(info.value, CarrierPartialRollback), info.value
    assert twilio_standin.counts() == EMPTY_TWILIO and sandbox.counts() == EMPTY_LIVEKIT


def test_a_rollback_that_cannot_finish_lists_what_is_left(sandbox, twilio_standin):
    twilio_standin.faults.fail("AttachPhoneNumber", "error")
    twilio_standin.faults.fail("DeleteTrunk", "5xx")
    with pytest.raises(CarrierPartialRollback) as info:
        run(sandbox, twilio_standin, twilio_document(sandbox.url))
    assert "(Twilio trunk)" in str(info.value) and sandbox.counts() == EMPTY_LIVEKIT


def test_wrong_credentials_fail_before_livekit_is_touched(sandbox, twilio_standin):
    from phonewizard.app.errors import CarrierAuthFailed

    with pytest.raises(CarrierAuthFailed, match="Twilio did not accept") as info:
        run(sandbox, twilio_standin, twilio_document(sandbox.url), secret="not-the-token-0123")
    assert "not-the-token-0123" not in str(info.value)
    assert sandbox.counts() == EMPTY_LIVEKIT and sandbox.log.methods == []
