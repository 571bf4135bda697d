"""markdown-it-py plugins for authored Markdown: CriticMarkup edits and site-root links."""

from __future__ import annotations

from sitegen.mdplugins.critic import critic_plugin
from sitegen.mdplugins.sitelinks import sitelinks_plugin

__all__ = ["critic_plugin", "sitelinks_plugin"]
