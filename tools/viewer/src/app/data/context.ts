import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ViewerData } from '../../model/api.js';

export const DataContext = createContext<ViewerData | undefined>(undefined);

export function useData(): ViewerData {
  const data = useContext(DataContext);
  if (!data) throw new Error('the viewer has no data source');
  return data;
}
