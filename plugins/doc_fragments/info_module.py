# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attributes shared by every multicloud.interconnect module that only reads (the *_info modules and the status readers)."""
from __future__ import annotations


class ModuleDocFragment:
    """Check mode and diff mode of a module that changes nothing; a module may still reword one of them."""

    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    description: The module only reads.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
"""
