#!/usr/bin/env node
// The installed `marshal` command: register tsx so Node can load the TypeScript CLI, then run it.
'use strict';
require('tsx/cjs');
require('./marshal.ts');
