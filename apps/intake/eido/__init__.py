"""NENA EIDO (NENA-STA-021.1b, JSON, version 1.0): reading what call centers send, writing what Firstline sends.

NENA's schema (apps/intake/eido_schema) is the authority both ways. A document that does not
validate is refused naming the JSON path; a document that validates is accepted, and whatever
Firstline needs and does not find in it (an incident type it knows, a usable location) makes a
call the call-taker completes on the screening page. Embedded PIDF-LO XML is parsed only with
defusedxml (no DTDs, no entities, no external references).

This package is pure (dicts and strings in, dataclasses and dicts out; no database, no HTTP):
`parser.py` reads, `writer.py` writes, `pidf.py` does both for the location, `document.py` holds
the shapes. The service that acts on a document is apps/intake/services/eido.py; the handback
that sends one is apps/intake/services/handbacks.py.
"""
