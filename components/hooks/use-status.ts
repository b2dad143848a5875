/** The status bar's facts, kept in sync with the services' subscription. */
import { useEffect, useState } from 'react';
import type { StatusInfo, TuiServices } from '../services.js';

/** Current status; re-renders when the services report a change. */
export function useStatus(services: TuiServices): StatusInfo {
  const [status, setStatus] = useState<StatusInfo>(() => services.getStatus());
  useEffect(() => {
    setStatus(services.getStatus());
    return services.subscribeStatus(setStatus);
  }, [services]);
  return status;
}
