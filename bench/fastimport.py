"""A git fast-import stream, shared by the benchmark's repository generators.

Writing history as one fast-import stream per repository is what keeps
generating hundreds of repositories fast: no `git commit` per commit.
"""

T0 = 1_700_000_000  # commit times start here


class Stream:
    """A fast-import stream being written; step: seconds between commits."""

    def __init__(self, step=3600):
        self.parts = []
        self.mark = 0
        self.time = T0
        self.step = step

    def data(self, payload):
        if isinstance(payload, str):
            payload = payload.encode()
        self.parts += [b"data %d\n" % len(payload), payload, b"\n"]

    def commit(self, ref, message, changes, parent=None):
        """changes: {path: bytes or str}; parent: a mark to branch from."""
        self.mark += 1
        self.time += self.step
        who = "Bench <bench@example.invalid> %d +0000" % self.time
        self.parts.append(b"commit %s\nmark :%d\n" % (ref.encode(), self.mark))
        self.parts.append(("author %s\ncommitter %s\n" % (who, who)).encode())
        self.data(message)
        if parent is not None:
            self.parts.append(b"from :%d\n" % parent)
        for path, content in changes.items():
            self.parts.append(b"M 100644 inline %s\n" % path.encode())
            self.data(content)
        self.parts.append(b"\n")
        return self.mark

    def tag(self, name, mark, message=None):
        """An annotated tag with message, else a lightweight one."""
        if message is None:
            self.parts.append(b"reset refs/tags/%s\nfrom :%d\n\n" % (name.encode(), mark))
            return
        who = "Bench <bench@example.invalid> %d +0000" % self.time
        self.parts.append(b"tag %s\nfrom :%d\ntagger %s\n" % (name.encode(), mark, who.encode()))
        self.data(message)

    def bytes(self):
        return b"".join(self.parts) + b"done\n"


def text(rng, words, lines):
    """lines random lines of words."""
    return ["%s %d" % (" ".join(rng.choices(words, k=rng.randint(4, 12))), rng.randint(0, 9999))
            for _ in range(lines)]
