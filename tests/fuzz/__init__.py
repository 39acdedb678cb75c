"""Property tests (Hypothesis) over the pure core: the parser wrapper, every DC rule through
``engine.analyze``, the heredoc rewrite and the sinks; the corpus of hostile shapes found
(``corpus/``, replayed by ``test_corpus.py``); and the check that the core's cost grows no
faster than linearly with the input (``test_cost.py``).

Profiles (``tests/fuzz/conftest.py``), chosen with ``HYPOTHESIS_PROFILE``:

* ``ci`` (the default): ``derandomize=True`` (the same examples on every run, so CI never
  flakes on a new one) and a bounded ``max_examples``; the whole package adds well under a
  minute to ``scripts/test``.
* ``long``: random seeds, 5,000 examples per test (``FUZZ_EXAMPLES`` sets another count), no
  deadline, for a local hunt::

      HYPOTHESIS_PROFILE=long python3 -m pytest -q -m "" tests/fuzz -n0

A shape that fails or is slow goes into ``corpus/`` as a small JSON spec (the format is in
``tests/fuzz/corpus.py``), so it is replayed on every run from then on; an example a property
test once failed on stays next to it as an ``@example``.
"""
