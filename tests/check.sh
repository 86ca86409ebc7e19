#!/bin/sh
# check.sh -- placeholder: unit tests only.
"$BUILD/tests/run"
