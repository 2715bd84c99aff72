"""IndexedStore answers exactly as ListStore (LiveKit's list filters applied to the full lists)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from phonewizard.domain.routing.store import IndexedStore, ListStore, number_tail
from tests.domain.routing.builders import direct, rule, trunk

NUMBERS = st.sampled_from(["+14155550123", "14155550123", "+1 415 555 0123", "+14155550999", "0207 555 0123",
                           "+442075550123", "user", "", "+1"])
IDS = st.sampled_from(["ST_a", "ST_b", "ST_c", ""])


@st.composite
def projects(draw):
    trunks = [trunk(draw(IDS), draw(st.lists(NUMBERS, max_size=3))) for _ in range(draw(st.integers(0, 6)))]
    rules = [rule(f"SDR_{i}", direct(f"r{i}"), trunks=draw(st.lists(IDS, max_size=2)),
                  numbers=draw(st.lists(NUMBERS, max_size=2))) for i in range(draw(st.integers(0, 6)))]
    return trunks, rules


@settings(max_examples=300, deadline=None)
@given(projects(), NUMBERS, IDS)
def test_indexed_store_agrees_with_the_list_filters(project, called, trunk_id):
    trunks, rules = project
    plain, indexed = ListStore(trunks, rules), IndexedStore(trunks, rules)
    assert [id(t) for t in indexed.inbound_trunks(called)] == [id(t) for t in plain.inbound_trunks(called)]
    assert [id(r) for r in indexed.dispatch_rules(trunk_id)] == [id(r) for r in plain.dispatch_rules(trunk_id)]
    assert indexed.load_trunk(trunk_id) is plain.load_trunk(trunk_id)
    # Related trunks: everything LiveKit lists, plus the same-last-digits near misses.
    listed = {id(t) for t in plain.inbound_trunks(called)}
    related = {id(t) for t in indexed.related_trunks(called)}
    tail = number_tail(called)
    assert listed <= related
    assert all(tail and any(number_tail(n) == tail for n in t.numbers) for t in trunks
               if id(t) in related - listed)


def test_number_tail():
    assert number_tail("0207 555 0123") == number_tail("+44 20 7555 0123") == "5550123"
    assert number_tail("+1") == ""
