"""The tracking secret: stored only as a slow salted digest, checked in constant work."""

import hashlib

from portal import tracking


def test_the_digest_is_salted_pbkdf2_and_never_the_secret():
    first, second = tracking.secret_digest("ABCD2345"), tracking.secret_digest("ABCD2345")
    assert first != second and "ABCD2345" not in first
    scheme, iterations, _salt, _hex = first.split("$")
    assert scheme == "pbkdf2_sha256" and int(iterations) >= 50_000


def test_matching_ignores_case_and_spaces_and_refuses_others():
    digest = tracking.secret_digest("ABCD2345")
    assert tracking.secret_matches(digest, " abcd2345 ")
    assert not tracking.secret_matches(digest, "ABCD2346")
    assert not tracking.secret_matches(None, "ABCD2345")  # unknown code: same work, no match


def test_secrets_of_the_first_releases_still_open_their_cases():
    legacy = "00ff00ff00ff00ff$" + hashlib.sha256(b"00ff00ff00ff00ff:ABCD2345").hexdigest()
    assert tracking.secret_matches(legacy, "abcd2345")
    assert not tracking.secret_matches(legacy, "ABCD2346")


def test_a_double_submit_gets_the_same_secret_and_others_a_new_one():
    import uuid

    key = uuid.uuid4()
    assert tracking.new_secret(key, "application") == tracking.new_secret(key, "application")
    assert tracking.new_secret(key, "application") != tracking.new_secret(key, "complaint")
    secret = tracking.new_secret(None, "application")
    assert len(secret) == 8 and set(secret) <= set(tracking.SECRET_ALPHABET)
