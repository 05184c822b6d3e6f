"""A strict HTML5 parse: any parse error (unclosed or misnested tags, bad attributes) fails."""

import html5lib


def assert_valid_html(content: bytes | str) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(content)
    except html5lib.html5parser.ParseError as error:
        raise AssertionError(f"invalid HTML: {error}") from error
