export { CaseClosedV1 } from './case-closed.v1.ts';
export { CaseOpenedV1 } from './case-opened.v1.ts';
export { CaseSignalAddedV1 } from './case-signal-added.v1.ts';
export { AmountBand, SignalReceivedV1, SignalType } from './signal-received.v1.ts';
