-- What a message carried is stored in chunks (of 1 MiB at most), each encrypted on its own, so that a message of
-- any size is written, read and removed with bounded memory. A content names its message once the message is
-- saved with it: a large one is written in parts beforehand (staged: message_row_id NULL, staged_time set), each
-- part committed on its own, and the save that names it makes it the message's. A content replaced or removed,
-- or whose message is deleted, is only detached (message_row_id NULL, staged_time NULL: a small update), and its
-- chunks are deleted a few at a time afterwards, as are staged ones no save named. So a reader never mixes two
-- versions, and no transaction holds a large message. The content stored before (one encrypted value per row,
-- V8) becomes its content's only chunk.
CREATE TABLE as2_content (
    id                  VARCHAR(64)    NOT NULL PRIMARY KEY,
    message_row_id      VARCHAR(36)    REFERENCES as2_message (id) ON DELETE SET NULL,
    kind                VARCHAR(16)    NOT NULL,
    staged_time         TIMESTAMP,
    CONSTRAINT as2_content_of_message UNIQUE (message_row_id, kind)
);
CREATE INDEX as2_content_unheld ON as2_content (staged_time);
CREATE TABLE as2_content_chunk (
    content_id          VARCHAR(64)    NOT NULL REFERENCES as2_content (id) ON DELETE CASCADE,
    seq                 INTEGER        NOT NULL,
    data                BYTEA          NOT NULL,
    PRIMARY KEY (content_id, seq)
);
INSERT INTO as2_content (id, message_row_id, kind)
    SELECT message_row_id || ':' || kind, message_row_id, kind FROM as2_message_content;
INSERT INTO as2_content_chunk (content_id, seq, data)
    SELECT message_row_id || ':' || kind, 0, content FROM as2_message_content;
DROP TABLE as2_message_content;
