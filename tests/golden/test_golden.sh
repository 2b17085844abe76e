#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Golden tests: see tests/golden/golden.py.
cd "$(dirname "$0")/../.." && exec /usr/bin/python3 tests/golden/golden.py
