"use client";
import { useEffect, useId, useState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { numberFormat } from "@/lib/format";
import { AiForm, inputClass } from "@/components/ai/ai-form";
import { estimateAction } from "../actions";

const ACCEPT = ".wav,.mp3,.m4a,.mp4,.ogg,.oga,.opus,.webm,audio/wav,audio/mpeg,audio/mp4,audio/ogg,audio/webm";
const MAX_MB = 25;

const oneDecimal = (value: number, locale: string) =>
  numberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);

/** The duration the browser reads (for the estimate; the server reads it again from the bytes). */
function measure(file: File): Promise<number | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const audio = new Audio();
    const done = (seconds: number | null) => {
      URL.revokeObjectURL(url);
      resolve(seconds);
    };
    audio.preload = "metadata";
    audio.onloadedmetadata = () => done(Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : null);
    audio.onerror = () => done(null);
    audio.src = url;
  });
}

export function TranscribeForm({ routePath, typicalTokens }: { routePath: string; typicalTokens: number }) {
  const t = useTranslations("ai.transcribe");
  const locale = useLocale();
  const [file, setFile] = useState<File | null>(null);
  const [seconds, setSeconds] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [language, setLanguage] = useState("");
  const ids = { file: useId(), language: useId() };

  useEffect(() => {
    if (!file) return;
    let cancelled = false;
    void measure(file).then((s) => {
      if (!cancelled) setSeconds(s);
    });
    return () => {
      cancelled = true;
    };
  }, [file]);

  const wav = file !== null && (/\.wav$/i.test(file.name) || file.type === "audio/wav");

  return (
    <AiForm
      slug="transcribe"
      routePath={routePath}
      typicalTokens={typicalTokens}
      estimateAction={estimateAction}
      // The hold: a WAV's length (as the browser reads it); any other file the longest its size can play
      // (the server decides from the bytes, whatever the file claims).
      estimatePayload={
        !file ? null : wav ? (seconds ? { seconds, wav: true } : null) : { bytes: file.size, wav: false }
      }
      buildRequest={() => {
        if (!file) return null;
        const body = new FormData();
        body.append("file", file);
        if (language.trim()) body.append("language", language.trim().toLowerCase());
        return { body };
      }}
      resultKey="text"
      resultTitle={t("result")}
      submitLabel={t("submit")}
      idleHint={file && wav && seconds === null ? t("unreadableLength") : t("idle")}
      renderResult={(text) => (
        <section
          aria-label={t("result")}
          className="rounded-lg border border-zinc-200 bg-white p-4"
          data-testid="ai-result"
        >
          <h2 className="text-lg font-semibold text-zinc-900">{t("result")}</h2>
          <p className="mt-2 whitespace-pre-wrap text-zinc-900" data-testid="transcript">
            {String(text)}
          </p>
        </section>
      )}
    >
      <div>
        <label htmlFor={ids.file} className="block text-sm font-medium text-zinc-900">
          {t("file")}
        </label>
        <p id={`${ids.file}-hint`} className="text-xs text-zinc-600">
          {t("hint", { mb: MAX_MB })}
        </p>
        <input
          id={ids.file}
          type="file"
          accept={ACCEPT}
          aria-describedby={`${ids.file}-hint${problem ? ` ${ids.file}-problem` : ""}`}
          aria-invalid={problem ? true : undefined}
          onChange={(event) => {
            const picked = event.currentTarget.files?.[0] ?? null;
            setProblem(null);
            setSeconds(null);
            if (picked && picked.size > MAX_MB * 1024 * 1024) {
              setProblem(t("tooLarge", { name: picked.name, mb: MAX_MB }));
              setFile(null);
              return;
            }
            setFile(picked);
          }}
          className="mt-2 block w-full text-sm text-zinc-700 file:mr-3 file:rounded-md file:border-0 file:bg-zinc-900 file:px-3 file:py-2 file:text-sm file:font-medium file:text-white hover:file:bg-zinc-700"
        />
        {problem && (
          <p id={`${ids.file}-problem`} role="alert" className="mt-1 text-sm text-red-700">
            {problem}
          </p>
        )}
        {seconds !== null && (
          <p className="mt-1 text-xs text-zinc-600">{t("length", { seconds: oneDecimal(seconds, locale) })}</p>
        )}
      </div>
      <div>
        <label htmlFor={ids.language} className="block text-sm font-medium text-zinc-900">
          {t("language")}
        </label>
        <input
          id={ids.language}
          className={inputClass}
          maxLength={2}
          value={language}
          onChange={(e) => setLanguage(e.target.value)}
          placeholder="en"
        />
      </div>
    </AiForm>
  );
}
