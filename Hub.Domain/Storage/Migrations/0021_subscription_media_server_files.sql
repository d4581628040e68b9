-- Media-server sidecars (.nfo and poster beside the file) per subscription: null follows Hub:MediaServer:WriteNfo,
-- true or false overrides it for the imports the subscription's checks make.
ALTER TABLE subscriptions ADD COLUMN media_server_files boolean;
