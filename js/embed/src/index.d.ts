// Types of @bheem/embed.

export declare const PROTOCOL: 1;

/** A filter value as the dashboard's slicers share it: a list of values, a [from, to] pair, or a slicer state. */
export type FilterValue = unknown[] | string | number | boolean | null | Record<string, unknown>;
export type Filters = Record<string, FilterValue>;

export interface BheemEmbedSettings {
  /** "light" (default) or "dark" */
  theme?: "light" | "dark";
  width?: string;
  height?: string;
  /** the iframe's accessible title */
  title?: string;
}

export interface BheemEmbedOptions {
  /** the element (or a CSS selector) the dashboard iframe is added to */
  container: HTMLElement | string;
  /** the dashboard server, e.g. "https://bi.example.com", or the full page address */
  embedUrl: string;
  /** only "dashboard" is embeddable */
  type?: "dashboard";
  /** the dashboard id: the notebook path on the server without ".ipynb" */
  id?: string;
  /** the embed token your server created (`bheem embed-token` / create_embed_token) */
  accessToken: string;
  settings?: BheemEmbedSettings;
  /** filters applied once the dashboard has loaded */
  filters?: Filters;
  /** how long a request waits for its answer (default 15000 ms) */
  timeoutMs?: number;
}

export interface LoadedEvent {
  filters: Filters;
  pages: string[];
  page: string;
  locked: string[];
}
export interface ErrorEvent {
  message: string;
  code?: string;
  method?: string;
  requestId?: string;
}
export interface DataSelectedEvent {
  column: string;
  value: unknown;
  row: Record<string, unknown>;
}
export interface FiltersChangedEvent {
  filters: Filters;
}
export interface PageChangedEvent {
  page: string;
  pages: string[];
}
export interface BheemEmbedEvents {
  loaded: LoadedEvent;
  error: ErrorEvent;
  dataSelected: DataSelectedEvent;
  filtersChanged: FiltersChangedEvent;
  pageChanged: PageChangedEvent;
}

export interface ExportResult {
  format: "csv" | "json";
  mime: string;
  filename: string;
  rows: number;
  data: string;
}
export interface Pages {
  pages: string[];
  current: string;
}

export declare class BheemEmbedError extends Error {
  code: string;
  constructor(message: string, code: string);
}

export declare function buildEmbedSrc(options: BheemEmbedOptions): string;

export declare class BheemEmbed {
  constructor(options: BheemEmbedOptions);
  readonly iframe: HTMLIFrameElement;
  readonly origin: string;
  on<E extends keyof BheemEmbedEvents>(event: E, handler: (data: BheemEmbedEvents[E]) => void): () => void;
  off<E extends keyof BheemEmbedEvents>(event: E, handler: (data: BheemEmbedEvents[E]) => void): void;
  setFilters(filters: Filters): Promise<Filters>;
  getFilters(): Promise<Filters>;
  clearFilters(): Promise<Filters>;
  refresh(): Promise<true>;
  exportData(format?: "csv" | "json", view?: number): Promise<ExportResult>;
  setPage(page: string): Promise<Pages>;
  getPages(): Promise<Pages>;
  print(): Promise<true>;
  fullscreen(): Promise<void>;
  destroy(): void;
}

export default BheemEmbed;
