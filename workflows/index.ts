// The workflow bundle's entry point: every workflow type the worker runs.
export { incident } from './incident';
export { oncallOverrides } from './oncall-overrides';
export { actionItem } from './action-item';
export { alertGroup } from './alert-group';
export { oncallNotices } from './oncall-notices';
