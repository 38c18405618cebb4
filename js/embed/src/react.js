// useBheemEmbed: the SDK as a React hook. The dashboard mounts into the returned ref's element.
//
//   function Sales({ token }) {
//     const { ref, embed, loaded, filters, error } = useBheemEmbed({ embedUrl, id: "sales", accessToken: token });
//     return <div ref={ref} style={{ height: 600 }} />;
//   }
import { useEffect, useRef, useState } from "react";
import { BheemEmbed } from "./index.js";

export function useBheemEmbed(options) {
  const ref = useRef(null);
  const [embed, setEmbed] = useState(null);
  const [loaded, setLoaded] = useState(false);
  const [filters, setFilters] = useState({});
  const [error, setError] = useState(null);
  const { embedUrl, id, accessToken, type, timeoutMs } = options;
  const theme = options.settings && options.settings.theme;

  useEffect(() => {
    if (!ref.current || !accessToken) return undefined;
    const instance = new BheemEmbed({ ...options, container: ref.current });
    const offs = [
      instance.on("loaded", (d) => { setLoaded(true); setFilters(d.filters || {}); }),
      instance.on("filtersChanged", (d) => setFilters(d.filters || {})),
      instance.on("error", (d) => setError(d)),
    ];
    setEmbed(instance);
    return () => {
      offs.forEach((off) => off());
      instance.destroy();
      setEmbed(null);
      setLoaded(false);
    };
    // options other than these are read once, at mount
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [embedUrl, id, accessToken, type, timeoutMs, theme]);

  return { ref, embed, loaded, filters, error };
}

export default useBheemEmbed;
