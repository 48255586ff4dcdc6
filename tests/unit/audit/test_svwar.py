"""Reading svwar's output: what it tried, what it found, why it stopped."""

from __future__ import annotations

import pytest

from harness.audit.svwar import FoundExtension, SvwarReport, SvwarSweep, parse_svwar, sweep
from harness.audit.tools import ToolOutput
from tests.unit.audit.recordings import recorded


def test_a_register_scan_stops_at_the_first_name_answered_like_an_unknown_user() -> None:
    report = parse_svwar(*recorded("svwar-register-0"))
    assert report.unknown_user_answer == "SIP/2.0 401 Unauthorized"
    assert report.tried == ("alice-martin.d2dd4bba",)
    assert report.stop == "We got an unknown response"
    assert report.found == ()
    assert report.local_port == 42239


def test_an_options_scan_goes_through_its_whole_list_and_finds_nothing() -> None:
    report = parse_svwar(*recorded("svwar-options-0"))
    assert report.unknown_user_answer == "SIP/2.0 200 OK"
    assert report.tried == (
        "alice-martin.d2dd4bba",
        "admin",
        "bruno-garcia.d2dd4bba",
        "100",
        "101",
    )
    assert (report.stop, report.found) == (None, ())


def test_an_invite_scan_lists_the_names_it_did_not_find() -> None:
    report = parse_svwar(*recorded("svwar-invite-0"))
    assert report.unknown_user_answer == "SIP/2.0 404 Not Found"
    assert report.not_found == report.tried
    assert len(report.tried) == 5


def test_an_extension_found_is_read_from_the_log_and_the_table() -> None:
    report = parse_svwar(*recorded("svwar-invite-found"))
    assert report.found == (FoundExtension("+33100000001", "weird"),)
    assert report.not_found == ("alice-martin.d2dd4bba",)
    stdout, _ = recorded("svwar-invite-found")
    assert parse_svwar(stdout, "").found_names == ["+33100000001"]  # the table alone


def test_a_vulnerable_registrar_gives_its_users_away() -> None:
    report = parse_svwar(*recorded("svwar-register-vulnerable"))
    assert report.unknown_user_answer == "SIP/2.0 404 Not Found"
    assert sorted(report.found_names) == ["alice-martin.5e641bd3", "bruno-garcia.5e641bd3"]
    assert {f.classification for f in report.found} == {"reqauth"}
    assert report.stop is None


def test_without_force_svwar_gives_up_when_unknown_users_are_challenged_too() -> None:
    report = parse_svwar(*recorded("svwar-register-noforce"))
    assert report.tried == ()
    assert report.stop is not None and "authentication request for an unknown" in report.stop


def test_unknown_lines_are_ignored() -> None:
    assert parse_svwar("", "noise\nINFO:x:something else\n") == SvwarReport(
        (), (), (), None, None, None
    )


def test_a_sweep_knows_which_candidates_were_never_tried() -> None:
    report = parse_svwar(*recorded("svwar-register-0"))
    output = ToolOutput("svwar", ("svwar",), 0, "", "", 0.5)
    result = SvwarSweep("REGISTER", ("alice-martin.d2dd4bba", "admin"), ((report, output),))
    assert result.untried == ["admin"]
    assert result.found == []


@pytest.mark.parametrize(
    ("method", "candidates", "message"),
    [
        ("MESSAGE", ["100"], "svwar scans with"),
        ("REGISTER", [], "non-empty"),
        ("REGISTER", ["a\nb"], "line breaks"),
    ],
)
def test_a_sweep_refuses_nonsense(method: str, candidates: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sweep(("127.0.0.1", 5060), method, candidates)
