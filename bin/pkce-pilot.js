#!/usr/bin/env node
// The CLI is built by `npm run build` (npm ci runs it through `prepare`).
require('../out/main/cli.js');
