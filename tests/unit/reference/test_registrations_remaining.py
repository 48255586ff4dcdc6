from harness.reference.domain.registrations import ContactBindings


def test_remaining_lists_every_binding_with_its_seconds_left() -> None:
    b = ContactBindings()
    b.bind("u1", "sip:a@127.0.0.1:5070", 600, now=100.0)
    b.bind("u1", "sip:b@127.0.0.1:5072", 60, now=130.0)
    assert b.remaining("u1", now=160.0) == [
        ("sip:a@127.0.0.1:5070", 540),
        ("sip:b@127.0.0.1:5072", 30),
    ]
    b.bind("u1", "sip:a@127.0.0.1:5070", 0, now=161.0)
    assert b.remaining("u1", now=161.0) == [("sip:b@127.0.0.1:5072", 29)]
    assert b.remaining("u1", now=200.0) == []
