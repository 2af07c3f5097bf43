export { REPLAY_LIMIT, TIMELINE_LIMIT, TIMELINES_KEPT } from './inspector/feed.js';
export { MAX_BUFFERED } from './inspector/pageStream.js';
export { type Inspector, type InspectorNode, type InspectorOptions, serveInspector } from './inspector/server.js';
export { RESET_CHUNK } from './inspector/wire.js';
