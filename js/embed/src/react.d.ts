import type { RefObject } from "react";
import type { BheemEmbed, BheemEmbedOptions, ErrorEvent, Filters } from "./index";

export interface UseBheemEmbed {
  /** attach to the element the dashboard should fill */
  ref: RefObject<HTMLDivElement>;
  /** the SDK instance once mounted (setFilters, exportData, ...) */
  embed: BheemEmbed | null;
  loaded: boolean;
  filters: Filters;
  error: ErrorEvent | null;
}

export declare function useBheemEmbed(options: Omit<BheemEmbedOptions, "container">): UseBheemEmbed;
export default useBheemEmbed;
