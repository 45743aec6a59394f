#!/usr/bin/env bash
# Refreshes docs/screenshots/ from the browser e2e tests (automatic t throughout): the README's demo
# pictures (app-screenshots), pbmc68k_reduced's markers and clusters (app-analysis), gene-set score and
# PCA reference map (app-afternoon). Needs Chromium (.ci/e2e-deps.sh). Run from the repository root.
set -euo pipefail
npm run build
ISOTHERM_DOCS_SCREENSHOTS=1 node --test --test-concurrency=1 --test-reporter=spec \
  dist/test/e2e/app-screenshots.test.js dist/test/e2e/app-analysis.test.js dist/test/e2e/app-afternoon.test.js
ls -l docs/screenshots/
