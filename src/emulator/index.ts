export {
  DEFAULT_ACCESS_TOKEN,
  DEFAULT_APP_ID,
  DEFAULT_CRM_EVENT_SET_ID,
  DEFAULT_OFFLINE_EVENT_SET_ID,
  DEFAULT_PIXEL_CODE,
  FAULTS,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type EmulatorStats,
  type EmulatorStatsJson,
  type RecentRequest,
  type Fault,
  type ReceivedEvent,
  type RequestRecord,
  type StartEmulatorOptions
} from './server'
export { MAX_FUTURE_MS, validateEvents2, validatePixelBatch, validatePixelTrack, type TikTokReply } from './validate'
