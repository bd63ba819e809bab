"""The annual report on government information disclosure (M.3(3), R.49, R.50), in the national
2021 format (国办公开办函〔2021〕30号).

* ``compute``: tables 2–4 counted in the database, the consistency checks, the facts the
  narrative quotes, the reminder on the disclosure office's work list (reads only);
* ``services``: the writes — generate, refresh, edit, turn into a draft record, and the guard
  that the record is published only as generated;
* ``formats``: one layout per table for the HTML (staff page, print view, the record's body)
  and the XLSX;
* ``admin``: the back-office pages (registered with the admin when ``applications.admin`` is
  imported).
"""
