export { REPLAY_LIMIT, TIMELINE_LIMIT, TIMELINES_KEPT } from './inspector/feed.js';
export { type Inspector, type InspectorOptions, serveInspector } from './inspector/server.js';
