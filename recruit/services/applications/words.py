"""Counting words the way the GOV.UK character count component does in the browser.

The rule: a word is a run of characters that are not whitespace. "Whitespace" is exactly
JavaScript's \\s (the browser counts with text.match(/\\S+/g)), which differs from Python's
own idea of whitespace in a few characters, so the class is spelled out here.
"""

import re

JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_WORD = re.compile(f"[^{JS_WHITESPACE}]+")


def count_words(text: str) -> int:
    return len(_WORD.findall(text or ""))
