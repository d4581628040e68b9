-- Subtitles per library: the languages yt-dlp fetches and whether automatic captions are taken. NULL follows Hub's
-- setting (Hub:Subtitles:Languages, Hub:Subtitles:AutomaticCaptions); an empty array fetches none for that library.
ALTER TABLE libraries
    ADD COLUMN subtitle_languages  text[],
    ADD COLUMN automatic_captions  boolean;

-- A chat follower hears when an item of a subscription they follow lands (LinkedJobs): on unless they turn it off in
-- /settings. The job's message remembers which subscription it came from, so every edit (and a restart) keeps saying so.
ALTER TABLE contacts ADD COLUMN follow_notices boolean NOT NULL DEFAULT true;
ALTER TABLE telegram_job_messages ADD COLUMN origin text;
