"""The renderer a Builder keeps between builds (:class:`RendererCache`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sitegen.config import SiteConfig
from sitegen.render import Renderer, Resolver
from sitegen.sources import SiteInputs
from sitegen.stamps import settle, stamp_key, template_files
from sitegen.state import FileStamp


class RendererCache:
    """The last build's renderer, reused (its compiled templates and closure hashes) while
    no template file changed: its key names every template file by content."""

    def __init__(self, root: Path, resolvers: Mapping[str, Resolver]) -> None:
        self.root = root
        self.resolvers = resolvers
        self.renderer: Renderer | None = None
        self.key: object = None

    def get(self, inputs: SiteInputs, config: SiteConfig, stamps: dict[str, FileStamp]) -> Renderer:
        key = self._key(inputs, config, stamps)
        if self.renderer is None or self.key != key:
            self.renderer = Renderer(inputs.template_dirs, config.base_path, self.resolvers)
            self.key = key
        return self.renderer

    def settle(self, inputs: SiteInputs, config: SiteConfig, stamps: dict[str, FileStamp]) -> bool:
        """Make ``stamps`` name the bytes of the template files the renderer read (stamps.settle);
        whether a file changed after it was stamped. The renderer stays: it holds what it read."""
        assert self.renderer is not None
        read = {stamp_key(Path(p), self.root): d for p, d in self.renderer.read().items()}
        if not settle(stamps, read):
            return False
        self.key = self._key(inputs, config, stamps)
        return True

    def _key(self, inputs: SiteInputs, config: SiteConfig, stamps: dict[str, FileStamp]) -> object:
        root = self.root
        return (
            tuple(map(str, inputs.template_dirs)),
            config.base_path,
            tuple(
                (key, stamps[key].digest)
                for key in map(lambda p: stamp_key(p, root), template_files(inputs))
                if key in stamps
            ),
        )
