"""A citizen's own cases without an account (issue #18): whoever lost the tracking secret asks,
with the e-mail address or mobile number they gave, for a one-time link to a page listing all
their applications, complaints and consultations.

How it is kept safe, and why this way:

- **The same answer for every address.** The request page does the same work whether or not the
  address is known: it looks for cases, makes a token, stores its digest (with the cases found,
  none for an unknown address) and hands delivery to a background job (`portal.jobs.run_later`),
  which sends nothing for an unknown address. The page says the same thing in every case, so it
  cannot be used to learn who applied or reported (M.19 keeps reporters secret).
- **Only a digest is stored.** The token is 256 random bits, so a plain SHA-256 is enough (the
  tracking secret's slow, salted digest in portal/tracking.py is there because eight characters
  can be guessed) and lets the link be found by its digest. The address itself is not stored.
- **One use, 30 minutes.** The link opens a page with a button (mail scanners that follow
  links must not spend it); pressing it spends the link (`used_at`, set by one conditional
  UPDATE, so two tabs cannot both use it) and gives the browser's session a grant: the cases
  named in the link, for 30 minutes from that moment. The session key is changed at that point.
- **The way into each case.** A case's status page (applications/views.py `case`,
  complaints/views.py) is opened by a signed, 30-minute token naming the case (portal/tracking.py
  `CaseLinks`), which the tracking form mints once code and secret match. The listing mints the
  same token for the cases in the grant, through each app's `tracking_lookup` hook, exactly as
  the tracking form does: the status pages need no change and accept no new credential, and a
  grant never reaches a case it does not name.
- **Rate limits**, per client address and per address asked for (portal/ratelimit.py); a refusal
  is written to the audit trail with a keyed digest of the address, never the address.

Anonymous complaints have no contact and are never found. The apps declare where their cases'
contacts are in an `own_cases` hook (see selectors.CaseSource).
"""
