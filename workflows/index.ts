// The workflow bundle's entry point: every workflow type the worker runs.
export { incident } from './incident';
export { oncallOverrides } from './oncall-overrides';
