"""An app installed only under pytest that declares one more facet, "setting" (where care is
given: rural clinic, hospital, …). Nothing outside this package names it: the tests show that a
declaration reaches search, the API, OAI-PMH sets, exports and the importer by itself."""
