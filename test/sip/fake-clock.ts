/** The shared fake clock: timers fire only when the test advances time, in time order. */
export { FakeClock } from '../helpers/fake-clock.js';
