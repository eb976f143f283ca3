export { AmountBand, SignalReceivedV1, SignalType } from './signal-received.v1.ts';
