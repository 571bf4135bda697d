"""The plan stage: every output of the site as a plain record, a page's template and its
explicit context (or a file's producer), with the key that names its inputs.

- ``records``: the plan records (PagePlan, FilePlan) and the context helpers;
- ``keys``: what pages read of other parts of the site, and their keys;
- ``article``, ``archive`` (entities, tags, timeline), ``ledger``, ``publish`` (feeds,
  sitemaps, robots.txt): the planners of each part of the site;
- ``site``: the site model, and every output planned, in order (PAGE_PLANNERS).
"""
