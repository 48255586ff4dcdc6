"""Smart-action rules (CC-SA): what each conversation allows, answers, and the paperclip's types."""

from __future__ import annotations

import base64

import pytest

from harness.data import captures
from harness.reference.domain.errors import Conflict, InvalidField
from harness.reference.domain.smart_actions import (
    JPEG,
    MP4,
    PNG,
    Request,
    check_attachment,
    parse_answer,
    parse_request,
    sniff,
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_the_captured_files_are_recognised_by_their_bytes() -> None:
    assert (sniff(captures.png(1)), sniff(captures.jpeg(1)), sniff(captures.mp4(1))) == (
        PNG,
        JPEG,
        MP4,
    )
    assert sniff(captures.gif(1)) is None and sniff(b"plain text") is None
    assert captures.png(1) != captures.png(2)


@pytest.mark.parametrize("count", [1, 4])
def test_up_to_four_photos_may_be_asked_for(count: int) -> None:
    wanted = parse_request(
        {"kind": "photos", "during": "chat", "count": count}, redact_enabled=False
    )
    assert wanted == Request("photos", "chat", count)


def test_five_photos_are_refused_naming_the_limit() -> None:
    with pytest.raises(InvalidField, match="at most 4 photos") as refused:
        parse_request({"kind": "photos", "during": "call", "count": 5}, redact_enabled=True)
    assert refused.value.field == "count"


@pytest.mark.parametrize("kind", ["text_input", "redact"])
def test_a_chat_has_no_text_input_and_no_redact(kind: str) -> None:
    with pytest.raises(InvalidField, match="not available in a chat"):
        parse_request({"kind": kind, "during": "chat"}, redact_enabled=True)
    assert parse_request({"kind": kind, "during": "call"}, redact_enabled=True).kind == kind


def test_redact_needs_the_option() -> None:
    with pytest.raises(Conflict, match="redact is not enabled"):
        parse_request({"kind": "redact", "during": "call"}, redact_enabled=False)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "selfie", "during": "call"}, "kind"),
        ({"kind": "photos", "during": "email"}, "during"),
        ({"kind": "photos", "during": "call", "count": 0}, "count"),
        ({"kind": "photos", "during": "call", "count": True}, "count"),
        ({"kind": "screenshot", "during": "call", "count": 2}, "count"),
    ],
)
def test_a_bad_request_names_what_was_wrong(data: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        parse_request(data, redact_enabled=True)
    assert refused.value.field == field


def test_a_consumer_may_refuse_camera_access() -> None:
    assert parse_answer(Request("photos", "call", 2), {"result": "denied"}).result == "denied"


def test_photos_answer_carries_the_bytes_sent() -> None:
    photos = [captures.png(1), captures.jpeg(2)]
    answer = parse_answer(
        Request("photos", "chat", 2), {"result": "granted", "media": [_b64(p) for p in photos]}
    )
    assert [m.data for m in answer.media] == photos
    assert [m.content_type for m in answer.media] == [PNG, JPEG]


@pytest.mark.parametrize(
    ("request_", "data", "words"),
    [
        (Request("photos", "chat", 1), {"result": "granted", "media": ["a", "b"]}, "at most 1"),
        (
            Request("photos", "chat", 1),
            {"result": "granted", "media": [_b64(captures.mp4(1))]},
            "is not image/png",
        ),
        (
            Request("videos", "call", 1),
            {"result": "granted", "media": [_b64(captures.png(1))]},
            "is not video/mp4",
        ),
        (Request("photos", "chat", 1), {"result": "granted", "media": ["not base64!"]}, "base64"),
        (Request("verify_identity", "call", 1), {"result": "verified", "method": "face"}, "method"),
        (Request("text_input", "call", 1), {"result": "entered", "text": "  "}, "text"),
    ],
)
def test_a_bad_answer_is_refused_naming_the_problem(
    request_: Request, data: dict[str, object], words: str
) -> None:
    with pytest.raises(InvalidField, match=words):
        parse_answer(request_, data)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.png", captures.png(1), PNG),
        ("A.JPG", captures.jpeg(1), JPEG),
        ("clip.mp4", captures.mp4(1), MP4),
    ],
)
def test_the_paperclip_takes_png_jpg_and_mp4(name: str, data: bytes, expected: str) -> None:
    assert check_attachment(name, data) == expected


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("cat.gif", captures.gif(1), "type .gif is not accepted"),
        ("README", b"text", "a file without an extension"),
        ("cat.png", captures.gif(1), "content is not .png"),
        ("clip.mp4", captures.png(1), "content is not .mp4"),
        ("empty.png", b"", "is empty"),
    ],
)
def test_the_paperclip_refuses_other_files_naming_their_type(
    name: str, data: bytes, words: str
) -> None:
    with pytest.raises(InvalidField, match=words) as refused:
        check_attachment(name, data)
    assert refused.value.field == "file"
