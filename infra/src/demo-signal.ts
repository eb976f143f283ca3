#!/usr/bin/env node
/** Prints the body of a demo rent signal valid today, for the curl examples. */
import { demoRentSignal } from './demo-data.ts';

console.log(JSON.stringify(demoRentSignal()));
