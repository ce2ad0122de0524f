-- The schema, as SQLAlchemy compiles the SQLModel tables of tables.py for SQLite: kept compiled so that
-- creating a database (a first launch, a cold import) does not import SQLAlchemy. tests/test_schema_sql.py
-- compiles the tables again and fails, printing this file anew, when the two differ.

CREATE TABLE calibration_tally (
	scope VARCHAR NOT NULL, 
	elapsed_bin FLOAT NOT NULL, 
	review_bin INTEGER NOT NULL, 
	lapse_bin INTEGER NOT NULL, 
	answers INTEGER NOT NULL, 
	passed INTEGER NOT NULL, 
	expected FLOAT NOT NULL, 
	log_loss FLOAT NOT NULL, 
	PRIMARY KEY (scope, elapsed_bin, review_bin, lapse_bin)
);

CREATE TABLE day_tally (
	study_day VARCHAR NOT NULL, 
	answers INTEGER NOT NULL, 
	again INTEGER NOT NULL, 
	new_cards INTEGER NOT NULL, 
	young_passed INTEGER NOT NULL, 
	young_failed INTEGER NOT NULL, 
	mature_passed INTEGER NOT NULL, 
	mature_failed INTEGER NOT NULL, 
	expected FLOAT NOT NULL, 
	duration_ms INTEGER NOT NULL, 
	late INTEGER NOT NULL, 
	PRIMARY KEY (study_day)
);

CREATE TABLE deck (
	id VARCHAR NOT NULL, 
	title VARCHAR NOT NULL, 
	description VARCHAR NOT NULL, 
	topic VARCHAR NOT NULL, 
	source_path VARCHAR NOT NULL, 
	file_hash VARCHAR NOT NULL, 
	synced_at DATETIME NOT NULL, 
	file_stat VARCHAR DEFAULT '' NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_deck_source_path ON deck (source_path);

CREATE TABLE deck_day_tally (
	study_day VARCHAR NOT NULL, 
	answers INTEGER NOT NULL, 
	again INTEGER NOT NULL, 
	new_cards INTEGER NOT NULL, 
	young_passed INTEGER NOT NULL, 
	young_failed INTEGER NOT NULL, 
	mature_passed INTEGER NOT NULL, 
	mature_failed INTEGER NOT NULL, 
	expected FLOAT NOT NULL, 
	duration_ms INTEGER NOT NULL, 
	late INTEGER NOT NULL, 
	deck_id VARCHAR NOT NULL, 
	PRIMARY KEY (study_day, deck_id)
);

CREATE TABLE meta (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);

CREATE TABLE mock (
	id INTEGER NOT NULL, 
	started_at DATETIME NOT NULL, 
	ended_at DATETIME, 
	minutes INTEGER NOT NULL, 
	seconds_per_question INTEGER NOT NULL, 
	topic VARCHAR, 
	seed INTEGER NOT NULL, 
	counts_as_review BOOLEAN NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE parameter_fit (
	id INTEGER NOT NULL, 
	fitted_at DATETIME NOT NULL, 
	parameters VARCHAR NOT NULL, 
	train_reviews INTEGER NOT NULL, 
	test_reviews INTEGER NOT NULL, 
	log_loss_before FLOAT NOT NULL, 
	log_loss_after FLOAT NOT NULL, 
	rmse_bins_before FLOAT, 
	rmse_bins_after FLOAT, 
	auc_before FLOAT, 
	auc_after FLOAT, 
	kept BOOLEAN NOT NULL, 
	rescheduled INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE question_version (
	deck_id VARCHAR NOT NULL, 
	question_id VARCHAR NOT NULL, 
	content_hash VARCHAR NOT NULL, 
	content VARCHAR NOT NULL, 
	PRIMARY KEY (deck_id, question_id, content_hash)
);

CREATE TABLE recall_tally (
	scope VARCHAR NOT NULL, 
	permille INTEGER NOT NULL, 
	answers INTEGER NOT NULL, 
	passed INTEGER NOT NULL, 
	expected FLOAT NOT NULL, 
	PRIMARY KEY (scope, permille)
);

CREATE TABLE topic_day_tally (
	study_day VARCHAR NOT NULL, 
	answers INTEGER NOT NULL, 
	again INTEGER NOT NULL, 
	new_cards INTEGER NOT NULL, 
	young_passed INTEGER NOT NULL, 
	young_failed INTEGER NOT NULL, 
	mature_passed INTEGER NOT NULL, 
	mature_failed INTEGER NOT NULL, 
	expected FLOAT NOT NULL, 
	duration_ms INTEGER NOT NULL, 
	late INTEGER NOT NULL, 
	topic VARCHAR NOT NULL, 
	PRIMARY KEY (study_day, topic)
);

CREATE TABLE card (
	id INTEGER NOT NULL, 
	uid VARCHAR NOT NULL, 
	deck_id VARCHAR NOT NULL, 
	question_id VARCHAR NOT NULL, 
	cloze INTEGER, 
	kind VARCHAR NOT NULL, 
	topic VARCHAR NOT NULL, 
	level INTEGER, 
	position INTEGER NOT NULL, 
	state INTEGER NOT NULL, 
	step INTEGER, 
	stability FLOAT, 
	difficulty FLOAT, 
	due DATETIME, 
	last_review DATETIME, 
	suspended BOOLEAN NOT NULL, 
	buried_until DATETIME, 
	retired BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (uid), 
	FOREIGN KEY(deck_id) REFERENCES deck (id)
);

CREATE INDEX ix_card_deck ON card (deck_id, retired, suspended, state);

CREATE INDEX ix_card_due ON card (retired, suspended, state, due);

CREATE INDEX ix_card_new_order ON card (retired, suspended, state, position, deck_id);

CREATE INDEX ix_card_question ON card (deck_id, question_id);

CREATE TABLE question (
	deck_id VARCHAR NOT NULL, 
	question_id VARCHAR NOT NULL, 
	content VARCHAR NOT NULL, 
	content_hash VARCHAR NOT NULL, 
	PRIMARY KEY (deck_id, question_id), 
	FOREIGN KEY(deck_id) REFERENCES deck (id)
);

CREATE TABLE card_reset (
	id INTEGER NOT NULL, 
	card_id INTEGER NOT NULL, 
	reset_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(card_id) REFERENCES card (id)
);

CREATE INDEX ix_card_reset_card_id ON card_reset (card_id);

CREATE TABLE card_tally (
	card_id INTEGER NOT NULL, 
	answers INTEGER NOT NULL, 
	lapses INTEGER NOT NULL, 
	young_passed INTEGER NOT NULL, 
	young_failed INTEGER NOT NULL, 
	mature_passed INTEGER NOT NULL, 
	mature_failed INTEGER NOT NULL, 
	expected FLOAT NOT NULL, 
	duration_ms INTEGER NOT NULL, 
	last_rating INTEGER NOT NULL, 
	last_reviewed_at DATETIME NOT NULL, 
	last_study_day VARCHAR, 
	topic VARCHAR NOT NULL, 
	deck_id VARCHAR NOT NULL, 
	PRIMARY KEY (card_id), 
	FOREIGN KEY(card_id) REFERENCES card (id)
);

CREATE TABLE mock_question (
	id INTEGER NOT NULL, 
	mock_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	card_id INTEGER NOT NULL, 
	parent INTEGER, 
	follow_up VARCHAR, 
	seconds FLOAT NOT NULL, 
	notes VARCHAR NOT NULL, 
	key_points INTEGER NOT NULL, 
	recalled INTEGER NOT NULL, 
	rating INTEGER NOT NULL, 
	review_id INTEGER, 
	practice_id INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(mock_id) REFERENCES mock (id), 
	FOREIGN KEY(card_id) REFERENCES card (id)
);

CREATE INDEX ix_mock_question_mock_id ON mock_question (mock_id);

CREATE TABLE practice_answer (
	id INTEGER NOT NULL, 
	card_id INTEGER NOT NULL, 
	mode VARCHAR NOT NULL, 
	answered_at DATETIME NOT NULL, 
	study_day VARCHAR NOT NULL, 
	rating INTEGER NOT NULL, 
	duration_ms INTEGER, 
	confidence INTEGER, 
	retrievability FLOAT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(card_id) REFERENCES card (id)
);

CREATE INDEX ix_practice_answer_card_id ON practice_answer (card_id);

CREATE TABLE review (
	id INTEGER NOT NULL, 
	card_id INTEGER NOT NULL, 
	rating INTEGER NOT NULL, 
	reviewed_at DATETIME NOT NULL, 
	duration_ms INTEGER, 
	state_before INTEGER NOT NULL, 
	step_before INTEGER, 
	stability_before FLOAT, 
	difficulty_before FLOAT, 
	due_before DATETIME, 
	last_review_before DATETIME, 
	state_after INTEGER NOT NULL, 
	step_after INTEGER, 
	stability_after FLOAT, 
	difficulty_after FLOAT, 
	due_after DATETIME NOT NULL, 
	retrievability FLOAT, 
	elapsed_days INTEGER, 
	utc_offset_minutes INTEGER, 
	kind VARCHAR NOT NULL, 
	picked VARCHAR, 
	cloze INTEGER, 
	study_day VARCHAR, 
	review_number INTEGER, 
	lapses_before INTEGER, 
	confidence INTEGER, 
	mode VARCHAR, 
	content_hash VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(card_id) REFERENCES card (id)
);

CREATE INDEX ix_review_card_id ON review (card_id);

CREATE INDEX ix_review_recent ON review (reviewed_at, card_id, rating, state_before, elapsed_days, duration_ms, study_day);

CREATE TABLE practice_key_point (
	practice_id INTEGER NOT NULL, 
	point INTEGER NOT NULL, 
	recalled BOOLEAN NOT NULL, 
	PRIMARY KEY (practice_id, point), 
	FOREIGN KEY(practice_id) REFERENCES practice_answer (id) ON DELETE CASCADE
);

CREATE TABLE review_key_point (
	review_id INTEGER NOT NULL, 
	point INTEGER NOT NULL, 
	recalled BOOLEAN NOT NULL, 
	PRIMARY KEY (review_id, point), 
	FOREIGN KEY(review_id) REFERENCES review (id) ON DELETE CASCADE
);
